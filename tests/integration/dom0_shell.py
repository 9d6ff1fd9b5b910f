#!/usr/bin/env python3
"""Drive the management domain's shell over the emulator's serial socket.

The `interactive` integration test (manifest key `driver`) boots
interactive.cfg with COM1 served on a TCP port of 127.0.0.1; this script
connects there, keeps everything it receives as the serial log (--log), and
plays a session: `list`, `pause spin` (spin's progress lines must stop),
`list` (spin paused), `unpause spin` (they must go on), `destroy spin`,
`list`; then Ctrl-A three times at a time moves the console input from the
management domain to the next domain, to the hypervisor and back, and
`shutdown` ends the run. Each answer is checked; the first wrong or missing
one ends the script with status 1 and says what it waited for.

Typed bytes are paced: the hypervisor reads the UART when it looks, and a
16550's receive FIFO holds 16 bytes.
"""

import argparse
import os
import re
import socket
import sys
import threading
import time

HOST = "127.0.0.1"          # never anything else: the emulator on this machine
CONNECT_WAIT_S = 60         # the emulator opens the port once it has started
KEY_GAP_S = 0.05            # between typed bytes
ANSWER_WAIT_S = 90          # for one answer; the boot itself gets --timeout
PAUSED_WATCH_S = 4          # how long a paused domain must stay silent
CTRL_A = b"\x01"
SWITCH_PRESSES = 3


class Failed(Exception):
    pass


class Serial:
    """The socket, with a thread that appends all it receives to the log and a buffer."""

    def __init__(self, port, log_path, deadline):
        self.deadline = deadline
        self.sock = self._connect(port)
        self.log = open(log_path, "wb")
        self.buf = b""
        self.cond = threading.Condition()
        self.closed = False
        threading.Thread(target=self._reader, daemon=True).start()

    def _connect(self, port):
        stop = time.time() + CONNECT_WAIT_S
        while True:
            try:
                return socket.create_connection((HOST, port), timeout=5)
            except OSError as e:
                if time.time() > stop:
                    raise Failed("cannot connect to %s:%d: %s" % (HOST, port, e))
                time.sleep(0.2)

    def _reader(self):
        self.sock.settimeout(None)
        while True:
            try:
                data = self.sock.recv(4096)
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.closed = True
                    self.cond.notify_all()
                    return
                self.log.write(data)
                self.log.flush()
                self.buf += data.replace(b"\r", b"")   # positions below are in this text
                self.cond.notify_all()

    def mark(self):
        """A position in the received text: later waits look only after it."""
        with self.cond:
            return len(self.buf)

    def text(self, since=0):
        with self.cond:
            return self.buf[since:].decode("latin-1")

    def wait_for(self, pattern, since, what, wait_s=ANSWER_WAIT_S, whole_lines=True):
        """The first match of pattern in what arrived after `since` (in whole lines
        unless told otherwise: `$` must not match a line still arriving); fails after wait_s."""
        rx = re.compile(pattern, re.M)
        stop = min(time.time() + wait_s, self.deadline)
        with self.cond:
            while True:
                text = self.buf[since:]
                if whole_lines:
                    text = text[:text.rfind(b"\n") + 1]
                m = rx.search(text.decode("latin-1"))   # one character per byte
                if m:
                    return m
                left = stop - time.time()
                if left <= 0 or self.closed:
                    raise Failed("%s: no %r within %d s%s" % (
                        what, pattern, wait_s, " (the emulator closed the line)" if self.closed else ""))
                self.cond.wait(min(left, 0.5))

    def send(self, data):
        for i in range(len(data)):
            self.sock.sendall(data[i:i + 1])
            time.sleep(KEY_GAP_S)


def say(msg):
    """A note in the driver's log, under the running script's name (linux_shell.py uses these too)."""
    print("%s: %s" % (os.path.splitext(os.path.basename(sys.argv[0]))[0], msg), flush=True)


def command(ser, line, answers):
    """Types line and Enter; every regex in answers must then appear, in any order."""
    say("typing %r" % line)
    at = ser.mark()
    ser.send(line.encode() + b"\r")
    found = []
    for rx in answers:
        found.append(ser.wait_for(rx, at, "'%s'" % line))
    last = at + max(m.end() for m in found)
    ser.wait_for(r"mgmt> ", last, "'%s': the next prompt" % line, whole_lines=False)
    say("  answered: %s" % "; ".join(m.group(0).strip() for m in found))
    return found


def press_switch(ser, expected_focus):
    """Ctrl-A three times; the hypervisor must say the input now goes to expected_focus."""
    say("Ctrl-A x%d, expecting the input to go to %s" % (SWITCH_PRESSES, expected_focus))
    at = ser.mark()
    ser.send(CTRL_A * SWITCH_PRESSES)
    m = ser.wait_for(r"hinoki: console: input now goes to %s \(Ctrl-A three times to switch\)"
                     % re.escape(expected_focus), at, "Ctrl-A x3")
    say("  " + m.group(0))


# Not anchored at the line start: a domain's line may follow another's
# unfinished one (the prompt, a half-typed command) on the same serial line.
def progress_lines(text, name):
    return [int(v) for v in re.findall(r"\[%s\] cpuhog: progress ([0-9]+)$" % name, text, re.M)]


def session(ser):
    at = ser.mark()
    ser.wait_for(r"^\[mgmt\] mgmt: type 'help' for the commands$", 0, "boot")
    ser.wait_for(r"mgmt> ", 0, "the first prompt", whole_lines=False)
    ser.wait_for(r"\[spin\] cpuhog: progress [0-9]+$", at, "spin running")

    row = r"^\[mgmt\] +%s +%s +%s +1 +4 +[0-9]+ +[0-9]+ +256 all$"
    command(ser, "list", [row % ("[0-9]+", "spin", "running"),
                          row % ("[0-9]+", "quiet", "running"),
                          r"^\[mgmt\] list: 3 domains, 3 running or paused$"])

    command(ser, "pause spin", [r"^\[mgmt\] pause: domain spin \([0-9]+\) paused$"])
    # A progress line may have been on its way; after that, silence.
    time.sleep(1)
    quiet_from = ser.mark()
    time.sleep(PAUSED_WATCH_S)
    late = progress_lines(ser.text(quiet_from), "spin")
    if late:
        raise Failed("spin went on while paused: progress %s" % late)
    say("  spin printed nothing for %d s while paused" % PAUSED_WATCH_S)
    command(ser, "list", [row % ("[0-9]+", "spin", "paused"),
                          r"^\[mgmt\] list: 3 domains, 3 running or paused$"])

    before = progress_lines(ser.text(), "spin")
    at = ser.mark()
    command(ser, "unpause spin", [r"^\[mgmt\] unpause: domain spin \([0-9]+\) unpaused$"])
    m = ser.wait_for(r"\[spin\] cpuhog: progress ([0-9]+)$", at, "spin going on after unpause")
    if before and int(m.group(1)) <= before[-1]:
        raise Failed("spin's progress after unpause (%s) is not above %d" % (m.group(1), before[-1]))
    say("  spin goes on: progress %s after %d" % (m.group(1), before[-1] if before else 0))

    command(ser, "destroy spin", [r"^\[mgmt\] destroy: domain spin \([0-9]+\) destroyed$",
                                  r"hinoki: domain spin \([0-9]+\) destroyed$"])
    command(ser, "list", [r"^\[mgmt\] +- spin +configured +1 +4 +0 +0 +256 all$",
                          r"^\[mgmt\] list: 3 domains, 2 running or paused$"])
    command(ser, "destroy spin", [r"^\[mgmt\] destroy: domain 'spin' is configured but not created$"])

    # mgmt -> quiet -> the hypervisor -> mgmt (spin is gone from the ring).
    press_switch(ser, "quiet")
    press_switch(ser, "the hypervisor")
    press_switch(ser, "mgmt")
    command(ser, "list", [r"^\[mgmt\] list: 3 domains, 2 running or paused$"])

    at = ser.mark()
    say("typing 'shutdown'")
    ser.send(b"shutdown\r")
    ser.wait_for(r"^\[mgmt\] shutdown: ending every domain and powering off$", at, "shutdown")
    ser.wait_for(r"hinoki: all domains ended, powering off$", at, "power-off")
    say("powered off")


def drive(play, doc):
    """The command line every driver takes (run.py's), then play(ser) over the serial
    line; the exit status: 0 when play returned, 1 when it failed."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--port", type=int, required=True, help="TCP port of COM1 on 127.0.0.1")
    ap.add_argument("--log", required=True, help="where to keep the serial log")
    ap.add_argument("--timeout", type=int, default=300, help="give up after this many seconds")
    a = ap.parse_args()
    deadline = time.time() + a.timeout
    try:
        ser = Serial(a.port, a.log, deadline)
        play(ser)
    except Failed as e:
        say("FAILED: %s" % e)
        return 1
    # Let the last lines reach the log before the emulator closes the socket.
    stop = time.time() + 10
    while not ser.closed and time.time() < stop:
        time.sleep(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(drive(session, __doc__))
