#!/usr/bin/env python3
"""crash.py: SIGKILL crm while it writes, and check that nothing is torn or lost.

    tests/crash/crash.py --crm /abs/build/crm [--kills N] [--seed S] [--fsck-every K]

A book of 50 records is made with `crm add`. Then, until N processes have
really been killed, each round picks one of `crm follow`, `add`, `set` or
`stage` (fixed seed), runs it first to completion in a scratch copy of the
book (which gives the exact bytes of its "new" version), then in the book,
where it is SIGKILLed after a random 0-30 ms. After each kill:

- every record file is byte for byte its old or its new version, and a
  command that exited 0 left the new one (torn);
- `crm tag` on another record (the next crm command) succeeds, and then
  HEAD, the index and the working tree agree for crm's paths:
  `git diff --quiet HEAD -- customers crm.yaml`,
  `git diff --cached --quiet -- customers crm.yaml`, and `git status`
  shows nothing there (no untracked record, no temporary file);
- every follow-up that a finished `crm follow` (exit 0) reported is in
  HEAD's record, and no follow-up is there twice (each has its own summary);
- `git fsck --strict` is clean every K rounds (K <= 20 kills) and at the end.

A violation is counted, shown (the first few in full), and then healed
(`git reset --hard`, stray files removed) so that later rounds test afresh.
Prints `crash: N kills, M records checked, T torn, L lost, D doubled, fsck
clean` and exits 1 on any violation.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

STAGES = ["initial", "needs", "proposal", "negotiation"]
MAX_SHOWN = 5


class Crash:
    def __init__(self, args):
        self.crm = args.crm
        self.rng = random.Random(args.seed)
        self.kills_wanted = args.kills
        self.fsck_every = args.fsck_every
        self.verbose = args.verbose
        self.tmp = tempfile.mkdtemp(prefix="crm-crash-")
        self.book = os.path.join(self.tmp, "book")
        self.scratch = os.path.join(self.tmp, "scratch")
        self.env = self.make_env()
        self.kills = 0
        self.exited = 0           # rounds where crm finished before the kill
        self.rounds = 0
        self.checked = 0          # record files compared with old/new
        self.torn = 0
        self.lost = 0
        self.doubled = 0
        self.fsck_runs = 0
        self.fsck_bad = 0
        self.other = {}           # kind of violation -> count
        self.shown = 0
        self.reported = {}        # record id -> summaries of follows that exited 0
        self.seq = 0
        self.locks = 0            # kills that left a git lock file behind
        self.landed = {}          # where kills landed -> count
        self.took = {}            # command -> seconds its last full run took

    # ---- running things ----

    def make_env(self):
        env = dict(os.environ)
        for k in ("LC_ALL", "LC_MESSAGES", "VISUAL", "EDITOR", "GIT_DIR", "GIT_WORK_TREE",
                  "GIT_INDEX_FILE", "CRM_LOCK_TIMEOUT"):
            env.pop(k, None)
        env.update(HOME=self.tmp, GIT_CONFIG_NOSYSTEM="1", CRM_TODAY="2024-05-20",
                   NO_COLOR="1", LANG="C.UTF-8", GIT_AUTHOR_NAME="Ming",
                   GIT_AUTHOR_EMAIL="ming@example.com", GIT_COMMITTER_NAME="Ming",
                   GIT_COMMITTER_EMAIL="ming@example.com")
        with open(os.path.join(self.tmp, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Ming\n\temail = ming@example.com\n"
                    "[init]\n\tdefaultBranch = main\n")
        return env

    def run(self, cwd, *argv):
        p = subprocess.run(list(argv), cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def crm_ok(self, cwd, *args):
        rc, out, err = self.run(cwd, self.crm, *args)
        if rc != 0:
            sys.exit("crash: setup failed: crm %s: exit %d\n%s" % (" ".join(args), rc, err))
        return out

    def git(self, *args):
        return self.run(self.book, "git", *args)

    # ---- the book ----

    def setup(self):
        """A book of 50 records: the first by `crm add`, the other 49 the same
        text with their own id and name, in one commit (49 more runs of crm
        add cost seconds that the bounded run in make check cannot spare)."""
        self.crm_ok(self.tmp, "init", "book")
        self.crm_ok(self.book, "setup", "--user", "ming")
        rid = self.crm_ok(self.book, "add", "Customer 0", "--kind", "company", "--source",
                          "online", "--set", "needs.summary=need 0").split()[0]
        first = os.path.join("customers", rid[:4], rid[4:6], rid + ".yaml")
        with open(os.path.join(self.book, first), "rb") as f:
            text = f.read()
        if text.count(rid.encode()) != 1 or text.count(b"Customer 0") != 1:
            sys.exit("crash: setup: %s does not name its id and name once each" % first)
        for i in range(1, 50):
            nid = "%s%03d" % (rid[:6], int(rid[6:]) + i)
            body = text.replace(rid.encode(), nid.encode()).replace(
                b"Customer 0", b"Customer %d" % i).replace(b"need 0", b"need %d" % i)
            with open(os.path.join(self.book, os.path.dirname(first), nid + ".yaml"), "wb") as f:
                f.write(body)
        for argv in (["add", "customers"], ["commit", "-q", "-m", "49 more customers"]):
            rc, _, err = self.git(*argv)
            if rc != 0:
                sys.exit("crash: setup: git %s: %s" % (" ".join(argv), err))
        rc, out, err = self.run(self.book, self.crm, "validate")
        if rc != 0:
            sys.exit("crash: setup: crm validate: exit %d\n%s%s" % (rc, out, err))
        shutil.copytree(self.book, self.scratch, symlinks=True)

    def tree(self, root):
        """Every file under customers/, as {relative path: bytes}."""
        files = {}
        base = os.path.join(root, "customers")
        for d, _, names in os.walk(base):
            for n in names:
                p = os.path.join(d, n)
                with open(p, "rb") as f:
                    files[os.path.relpath(p, root)] = f.read()
        return files

    @staticmethod
    def records(files):
        return {p: b for p, b in files.items()
                if p.endswith(".yaml") and not os.path.basename(p).startswith(".")}

    def sync_scratch(self, files):
        """Make the scratch copy's customers/ exactly `files`."""
        have = self.tree(self.scratch)
        for p in have:
            if p not in files:
                os.unlink(os.path.join(self.scratch, p))
        for p, b in files.items():
            if have.get(p) != b:
                full = os.path.join(self.scratch, p)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "wb") as f:
                    f.write(b)

    # ---- violations ----

    def violation(self, kind, detail):
        self.other[kind] = self.other.get(kind, 0) + 1
        if self.shown < MAX_SHOWN or self.verbose:
            self.shown += 1
            print("crash: round %d: %s: %s" % (self.rounds, kind, detail.rstrip()), file=sys.stderr)

    def stale_locks(self):
        """git lock files in the book's .git (relative paths)."""
        found = []
        g = os.path.join(self.book, ".git")
        for d, _, names in os.walk(g):
            if os.path.relpath(d, g).startswith("objects"):
                continue
            found += [os.path.relpath(os.path.join(d, n), self.book)
                      for n in names if n.endswith(".lock") and n != "crm.lock"]
        return found

    def heal(self):
        """Put the book back to HEAD so that later rounds test afresh."""
        for l in self.stale_locks():
            os.unlink(os.path.join(self.book, l))
        self.git("reset", "-q", "--hard", "HEAD")
        self.git("clean", "-q", "-f", "-d", "-x", "--", "customers")

    # ---- one round ----

    def pick(self, files):
        ids = sorted(os.path.basename(p)[:-5] for p in self.records(files))
        self.seq += 1
        n = self.seq
        kind = self.rng.choice(["follow", "follow", "add", "set", "stage"])
        who = self.rng.choice(ids)
        if kind == "follow":
            return kind, who, ["follow", who, "--via", "phone", "--summary", "follow-up %d" % n,
                               "--result", "progressed", "--priority", "high",
                               "--next", "call back %d" % n]
        if kind == "add":
            return kind, None, ["add", "Customer %d" % (1000 + n), "--kind", "company",
                                "--source", "referral", "--set", "needs.summary=added %d" % n]
        if kind == "set":
            return kind, who, ["set", who, "needs.summary=changed %d" % n, "tags+=t%d" % n]
        path = [p for p in files if os.path.basename(p) == who + ".yaml"][0]
        current = yaml.safe_load(files[path]).get("stage")
        return kind, who, ["stage", who, self.rng.choice([s for s in STAGES if s != current])]

    def kill_run(self, args, took):
        """Run crm in the book and SIGKILL it; its exit status. Every other
        round sleeps 0-30 ms from the start; the others sleep until 0-30 ms
        before the end that the scratch run took `took` seconds to reach,
        where crm writes and commits (on a slow machine 30 ms from the start
        is still before the lock)."""
        delay = self.rng.uniform(0, 0.030)
        if self.rounds % 2 == 0:
            delay = max(0.0, took - delay)
        p = subprocess.Popen([self.crm] + args, cwd=self.book, env=self.env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        err = p.stderr.read().decode("utf-8", "replace")
        p.stderr.close()
        return p.wait(), err

    def head(self):
        """HEAD's commit id, read as git does for a loose branch ref."""
        try:
            with open(os.path.join(self.book, ".git", "HEAD")) as f:
                ref = f.read().strip()
            if ref.startswith("ref: "):
                with open(os.path.join(self.book, ".git", ref[5:])) as f:
                    return f.read().strip()
            return ref
        except OSError:
            return self.git("rev-parse", "-q", "--verify", "HEAD")[1].strip()

    def check_files(self, old, new, after, rc, cmd):
        """Every record is its old or its new version; exit 0 means the new one."""
        ro, rn, ra = self.records(old), self.records(new), self.records(after)
        torn = []
        for p in set(ro) | set(rn) | set(ra):
            if p in ra:
                self.checked += 1
            want = [x for x in (ro.get(p), rn.get(p))]
            if ra.get(p) not in want:
                torn.append(p)
            elif rc == 0 and ra.get(p) != rn.get(p):
                torn.append(p)
        if torn:
            self.torn += 1
            self.violation("torn", "crm %s (exit %d): %s is neither its old nor its new version"
                           % (" ".join(cmd), rc, ", ".join(sorted(torn))))

    def check_agree(self, cmd, rc):
        """HEAD, index and working tree agree for crm's paths, and git status
        shows no stray file there. `git status` says it all at once: column
        X is index vs HEAD (git diff --cached), Y working tree vs index, and
        ?? an untracked file."""
        st = self.git("status", "--porcelain", "--untracked-files=all", "--",
                      "customers", "crm.yaml")[1]
        bad = []
        for line in st.splitlines():
            xy, path = line[:2], line[3:]
            if xy == "??":
                if os.path.basename(path).startswith("."):
                    bad.append(("temporary file in git status", path))
                else:
                    bad.append(("untracked record", path))
                continue
            if xy[0] != " ":
                bad.append(("index != HEAD", path))
            if xy[1] != " ":
                bad.append(("working tree != index", path))
        for kind, path in bad:
            self.violation(kind, "%s, after crm %s (exit %d) and the next command"
                           % (path, " ".join(cmd), rc))
        return not bad

    def followups_in_head(self, path, agree):
        """The summaries of a record's follow-ups in HEAD (read from the
        working tree when it is known to agree with HEAD)."""
        if agree:
            with open(os.path.join(self.book, path), "rb") as f:
                out = f.read()
        else:
            rc, out, _ = self.run(self.book, "git", "show", "HEAD:" + path)
            if rc != 0:
                return []
        doc = yaml.safe_load(out) or {}
        return [str(f.get("summary")) for f in doc.get("followups") or []]

    def check_followups(self, paths, agree=False):
        """Reported follow-ups are in HEAD once; none is anywhere twice."""
        for path in paths:
            rid = os.path.basename(path)[:-5]
            got = self.followups_in_head(path, agree)
            for s in set(got):
                if got.count(s) > 1:
                    self.doubled += 1
                    self.violation("doubled", "%s has '%s' %d times" % (path, s, got.count(s)))
            for s in self.reported.get(rid, []):
                if s not in got:
                    self.lost += 1
                    self.violation("lost", "%s lost '%s', which crm follow reported" % (path, s))

    def fsck(self):
        self.fsck_runs += 1
        rc, out, err = self.git("fsck", "--full", "--strict", "--no-dangling", "--no-progress")
        if rc != 0 or out.strip() or err.strip():
            self.fsck_bad += 1
            self.violation("fsck", "git fsck: exit %d\n%s%s" % (rc, out, err))

    def expect(self, cmd, old):
        """The files after cmd runs to the end in the scratch copy (where
        customers/ is what the book's was before this round)."""
        t = time.monotonic()
        rc, _, err = self.run(self.scratch, self.crm, *cmd)
        self.took[cmd[0]] = time.monotonic() - t
        if rc != 0:
            self.violation("refused in scratch", "crm %s: exit %d: %s" % (" ".join(cmd), rc, err))
            return rc, old
        return rc, self.tree(self.scratch)

    def round(self):
        self.rounds += 1
        old = self.tree(self.book)
        kind, who, cmd = self.pick(old)
        head0 = self.head()
        # How long the command takes, from its last run in the scratch copy.
        took = self.took.get(cmd[0])
        if took is None:
            rc_s, new = self.expect(cmd, old)
            took = self.took[cmd[0]]
            self.sync_scratch(old)
        rc, err = self.kill_run(cmd, took)
        if rc == -signal.SIGKILL:
            self.kills += 1
        else:
            self.exited += 1
        # The new version, byte for byte, from the same command run to the
        # end in the scratch copy; needed when the book changed or crm
        # finished by itself (then its exit code must be the scratch's).
        after = self.tree(self.book)
        new = old
        if rc >= 0 or after != old:
            rc_s, new = self.expect(cmd, old)
            if rc >= 0 and rc != rc_s:
                self.violation("exit", "crm %s: exit %d in the book, %d in the scratch copy: %s"
                               % (" ".join(cmd), rc, rc_s, err))
        after = self.tree(self.book)
        self.check_files(old, new, after, rc, cmd)
        # where the kill landed: nothing written, written but not committed, committed
        if self.head() != head0:
            where = "committed"
        elif self.records(after) != self.records(old):
            where = "written"
        else:
            where = "before"
        self.landed[where] = self.landed.get(where, 0) + 1
        if kind == "follow" and rc == 0:
            self.reported.setdefault(who, []).append(cmd[cmd.index("--summary") + 1])

        # The next crm command: a change to another record, run to the end.
        # A git lock file left by the kill (index.lock, a ref's .lock) stops
        # it, as it stops git; crm must then name the file, and once it is
        # removed (what a user would do) the command must work.
        ids = sorted(os.path.basename(p)[:-5] for p in self.records(after))
        other = self.rng.choice([i for i in ids if i != who])
        tag = ["tag", other, "k%d" % self.seq]
        nrc, _, nerr = self.run(self.book, self.crm, *tag)
        stale = self.stale_locks()
        if stale:
            # Stopped by it (exit 1), or done with a warning that git's index
            # is behind (exit 0: the change is committed): either way the
            # lock must be named, and after its removal any crm command must
            # bring everything into agreement.
            self.locks += 1
            if not any(os.path.basename(l) in nerr for l in stale):
                self.violation("stale lock not named", "crm %s: exit %d: %s" % (" ".join(tag), nrc, nerr))
            for l in stale:
                os.unlink(os.path.join(self.book, l))
            if nrc != 0:
                nrc, _, nerr = self.run(self.book, self.crm, *tag)
            else:
                src, _, serr = self.run(self.book, self.crm, "status")
                if src != 0:
                    self.violation("repair", "crm status after removing %s: exit %d: %s"
                                   % (", ".join(stale), src, serr))
        if nrc != 0:
            self.violation("next command", "crm %s after crm %s (exit %d): exit %d: %s"
                           % (" ".join(tag), " ".join(cmd), rc, nrc, nerr))
        agree = self.check_agree(cmd, rc)
        if not agree and nerr:
            print("crash: round %d: the next command said: %s" % (self.rounds, nerr.strip()), file=sys.stderr)
        now = self.records(self.tree(self.book))
        changed = [p for p in now if old.get(p) != now[p]]
        self.check_followups(changed, agree)
        if self.rounds % self.fsck_every == 0:
            self.fsck()
        if nrc != 0 or not agree:
            self.heal()
        self.sync_scratch(self.tree(self.book))

    def main(self):
        t0 = time.monotonic()
        self.setup()
        t1 = time.monotonic()
        step = 100
        while self.kills < self.kills_wanted:
            self.round()
            if self.kills >= step and self.kills < self.kills_wanted:
                print("crash: %d kills, %d rounds, %.0f s" % (self.kills, self.rounds,
                                                              time.monotonic() - t1), flush=True)
                step += 100
        self.fsck()
        final = self.tree(self.book)
        self.check_followups(list(self.records(final)))
        dt = time.monotonic() - t1
        nviol = sum(self.other.values()) - self.other.get("torn", 0) - \
            self.other.get("lost", 0) - self.other.get("doubled", 0) - self.other.get("fsck", 0)
        print("crash: %d rounds in %.1f s (setup %.1f s): %d killed, %d finished first; "
              "%d follow-ups reported; fsck run %d times (every %d rounds and at the end)"
              % (self.rounds, dt, t1 - t0, self.kills, self.exited,
                 sum(len(v) for v in self.reported.values()), self.fsck_runs, self.fsck_every))
        print("crash: kills landed: %s; %d left a git lock file that the next "
              "command named and that was then removed" % (", ".join(
                  "%s %d" % kv for kv in sorted(self.landed.items())), self.locks))
        for k, v in sorted(self.other.items()):
            if k not in ("torn", "lost", "doubled", "fsck"):
                print("crash: violation: %s: %d" % (k, v))
        print("crash: %d kills, %d records checked, %d torn, %d lost, %d doubled, fsck %s"
              % (self.kills, self.checked, self.torn, self.lost, self.doubled,
                 "clean" if self.fsck_bad == 0 else "FAILED %d times" % self.fsck_bad))
        ok = self.torn == 0 and self.lost == 0 and self.doubled == 0 and \
            self.fsck_bad == 0 and nviol == 0
        if ok:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print("crash: FAILED; the book is kept in %s" % self.book, file=sys.stderr)
        return 0 if ok else 1


def parse():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crm", required=True, help="the crm binary (absolute path)")
    ap.add_argument("--kills", type=int, default=1000, help="how many kills (default 1000)")
    ap.add_argument("--seed", type=int, default=6, help="random seed (default 6)")
    ap.add_argument("--fsck-every", type=int, default=10,
                    help="run git fsck every K rounds (default 10)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every violation")
    a = ap.parse_args()
    a.crm = os.path.abspath(a.crm)
    if a.fsck_every < 1 or a.fsck_every > 20:
        ap.error("--fsck-every must be 1 to 20 (the brief: at least once per 20 kills)")
    return a


if __name__ == "__main__":
    sys.exit(Crash(parse()).main())
