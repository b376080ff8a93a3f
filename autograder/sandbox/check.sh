#!/bin/sh
# Check that the grading sandbox can run here: bubblewrap installed and able to make the namespaces the
# kernel needs. Exit 0 when it can; otherwise say what to install. Use from make:  autograder/sandbox/check.sh
set -u
if ! command -v bwrap >/dev/null 2>&1; then
    echo "autograder sandbox: bubblewrap (bwrap) is not installed; student code is never run without it." >&2
    echo "Install it:  apt-get install -y bubblewrap   (Debian/Ubuntu; other systems: the 'bubblewrap' package)" >&2
    exit 1
fi
if ! bwrap --ro-bind / / --dev /dev --proc /proc --unshare-net --unshare-pid --die-with-parent \
        /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups /bin/true 2>/tmp/llm-grader-check.$$; then
    echo "autograder sandbox: bwrap is installed but cannot create network/pid namespaces here:" >&2
    cat /tmp/llm-grader-check.$$ >&2
    echo "Run the grader as root (or in a container that allows namespaces, e.g. docker --privileged)." >&2
    rm -f /tmp/llm-grader-check.$$
    exit 1
fi
rm -f /tmp/llm-grader-check.$$
echo "autograder sandbox: $(bwrap --version) ok (network, pid namespace, unprivileged uid)"
# student code could create user namespaces of its own where the host allows them (SECURITY.md, undefended)
userns=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)
if [ "$userns" != 0 ]; then
    echo "autograder sandbox: warning: user.max_user_namespaces is $userns, so student code may create user" \
         "namespaces (beyond the sandbox's caps); on a grading host run: sysctl -w user.max_user_namespaces=0" >&2
fi
