#!/usr/bin/perl
# Perl Net::OpenSSH over an existing master (external_master), timing one workload inside Perl.
# usage: net-openssh.pl MODE N K CTL_PATH HOST PORT USER SSH_CONFIG [CAPTURE_COMMAND] -> prints elapsed milliseconds
use strict;
use warnings;
use Net::OpenSSH;
use Time::HiRes qw(time);
use POSIX ':sys_wait_h';

my ($mode, $n, $k, $ctl, $host, $port, $user, $cfg) = @ARGV;
my $ssh = Net::OpenSSH->new($host, port => $port, user => $user, external_master => 1,
                            ctl_path => $ctl, default_ssh_opts => ['-F', $cfg]);
$ssh->error and die "connect: " . $ssh->error;

my $t0 = time;
if ($mode eq 'sequential') {
  for (1 .. $n) { $ssh->system('true') or die "system: " . $ssh->error }
} elsif ($mode eq 'parallel') {
  my %running;
  for my $i (1 .. $n) {
    if (keys %running >= $k) {
      my $pid = waitpid(-1, 0);
      $? == 0 or die "a command failed (wait status $?)";
      delete $running{$pid};
    }
    my $pid = $ssh->spawn({ stdout_discard => 1 }, 'echo', $i) or die "spawn: " . $ssh->error;
    $running{$pid} = 1;
  }
  for (keys %running) { waitpid($_, 0); $? == 0 or die "a command failed (wait status $?)" }
} elsif ($mode eq 'download') {
  my ($out, $pid) = $ssh->pipe_out("head -c $n /dev/zero") or die "pipe_out: " . $ssh->error;
  my ($got, $buf) = (0, '');
  while (my $r = sysread($out, $buf, 1 << 20)) { $got += $r }
  close $out;
  $got == $n or die "download: got $got of $n";
} elsif ($mode eq 'upload') {
  my ($in, $pid) = $ssh->pipe_in('cat > /dev/null') or die "pipe_in: " . $ssh->error;
  my $chunk = "\0" x (1 << 20);
  for (my $left = $n; $left > 0; $left -= length $chunk) {
    print $in ($left >= length $chunk ? $chunk : substr($chunk, 0, $left)) or die "write: $!";
  }
  close $in or die "upload: remote side failed";
} elsif ($mode eq 'capture') {
  my $out = $ssh->capture($ARGV[8]);
  $ssh->error and die "capture: " . $ssh->error;
  length($out) == $n or die "capture: got " . length($out) . " of $n";
} else {
  die "unknown mode $mode";
}
printf "%.3f\n", (time - $t0) * 1000;
