"""A seccomp BPF filter, assembled in Python: the layer that stops fork, exec and sockets.

A denylist over the syscalls an answer never needs. Threads stay allowed (clone with
CLONE_THREAD and no namespace flags), because ordinary Python code may start them and the
child ends every thread when it exits. Signals may only target the child itself. File
metadata (mode, owner, times, extended attributes, inode flags) cannot be changed: Landlock
does not cover those calls. Syscalls newer than this table are refused with ENOSYS, so a
kernel upgrade cannot open a door the filter has never heard of.
"""

from __future__ import annotations

import ctypes
import errno
import struct

from . import libc

SECCOMP_MODE_FILTER = 2
RET_KILL_PROCESS = 0x80000000
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = 0x7E020000  # NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
X32_SYSCALL_BIT = 0x40000000

_OFF_NR = 0
_OFF_ARCH = 4


def _arg(i: int, high: bool = False) -> int:
    return 16 + 8 * i + (4 if high else 0)


_DENIED = (
    "fork vfork execve execveat ptrace process_vm_readv process_vm_writev kcmp "
    "pidfd_open pidfd_getfd pidfd_send_signal tkill rt_sigqueueinfo rt_tgsigqueueinfo "
    "socket socketpair io_uring_setup io_uring_enter io_uring_register "
    "mount umount2 pivot_root chroot unshare setns open_tree move_mount fsopen fsconfig "
    "fsmount fspick mount_setattr name_to_handle_at open_by_handle_at "
    "bpf perf_event_open userfaultfd keyctl add_key request_key "
    "kexec_load kexec_file_load init_module finit_module delete_module reboot swapon swapoff "
    "acct quotactl quotactl_fd syslog personality setrlimit lookup_dcookie "
    "iopl ioperm uselib vhangup settimeofday clock_settime clock_adjtime adjtimex "
    "sethostname setdomainname shmget shmat msgget semget mq_open process_madvise "
    "chmod fchmod fchmodat fchmodat2 chown fchown lchown fchownat utime utimes futimesat utimensat "
    "setxattr lsetxattr fsetxattr removexattr lremovexattr fremovexattr setxattrat removexattrat"
).split()
METADATA = ("chmod", "fchown", "utimensat", "setxattr", "removexattr")  # named in `drill doctor`
NEWEST_KNOWN = 467  # syscalls numbered above this (the same on every architecture) get ENOSYS

# ioctl requests that change inode flags (chattr) or fsxattr: metadata too.
FS_IOC_SETFLAGS = 0x40086602
FS_IOC32_SETFLAGS = 0x40046602
FS_IOC_FSSETXATTR = 0x401C5820

_X86_64 = {
    "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "execve": 59, "execveat": 322,
    "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
    "pidfd_send_signal": 424, "pidfd_open": 434, "pidfd_getfd": 438, "ptrace": 101,
    "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "socket": 41,
    "socketpair": 53, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "unshare": 272,
    "setns": 308, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
    "fsmount": 432, "fspick": 433, "mount_setattr": 442, "name_to_handle_at": 303,
    "open_by_handle_at": 304, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
    "keyctl": 250, "add_key": 248, "request_key": 249, "kexec_load": 246,
    "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163, "quotactl": 179,
    "quotactl_fd": 443, "syslog": 103, "personality": 135, "setrlimit": 160,
    "prlimit64": 302, "lookup_dcookie": 212, "iopl": 172, "ioperm": 173, "uselib": 134,
    "vhangup": 153, "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305,
    "adjtimex": 159, "sethostname": 170, "setdomainname": 171, "shmget": 29, "shmat": 30,
    "msgget": 68, "semget": 64, "mq_open": 240, "process_madvise": 440,
    "ioctl": 16, "chmod": 90, "fchmod": 91, "chown": 92, "fchown": 93, "lchown": 94, "utime": 132,
    "utimes": 235, "fchownat": 260, "futimesat": 261, "fchmodat": 268, "utimensat": 280,
    "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197, "lremovexattr": 198,
    "fremovexattr": 199, "fchmodat2": 452, "setxattrat": 463, "removexattrat": 466,
}  # fmt: skip

# aarch64 uses the generic table: no fork/vfork (clone does both), no iopl/ioperm/uselib.
_AARCH64 = {
    "clone": 220, "clone3": 435, "execve": 221, "execveat": 281, "kill": 129, "tkill": 130,
    "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424,
    "pidfd_open": 434, "pidfd_getfd": 438, "ptrace": 117, "process_vm_readv": 270,
    "process_vm_writev": 271, "kcmp": 272, "socket": 198, "socketpair": 199,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "mount": 40,
    "umount2": 39, "pivot_root": 41, "chroot": 51, "unshare": 97, "setns": 268,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "mount_setattr": 442, "name_to_handle_at": 264, "open_by_handle_at": 265,
    "bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219, "add_key": 217,
    "request_key": 218, "kexec_load": 104, "kexec_file_load": 294, "init_module": 105,
    "finit_module": 273, "delete_module": 106, "reboot": 142, "swapon": 224, "swapoff": 225,
    "acct": 89, "quotactl": 60, "quotactl_fd": 443, "syslog": 116, "personality": 92,
    "setrlimit": 164, "prlimit64": 261, "lookup_dcookie": 18, "vhangup": 58,
    "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266, "adjtimex": 171,
    "sethostname": 161, "setdomainname": 162, "shmget": 194, "shmat": 196, "msgget": 186,
    "semget": 190, "mq_open": 180, "process_madvise": 440,
    "ioctl": 29, "fchmod": 52, "fchmodat": 53, "fchownat": 54, "fchown": 55, "utimensat": 88,
    "setxattr": 5, "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15,
    "fremovexattr": 16, "fchmodat2": 452, "setxattrat": 463, "removexattrat": 466,
}  # fmt: skip

ARCHES = {
    "x86_64": (0xC000003E, _X86_64),
    "aarch64": (0xC00000B7, _AARCH64),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def supported() -> tuple[bool, str]:
    """Whether a filter can be installed here, without installing one."""
    arch = libc.machine()
    if arch not in ARCHES:
        return False, f"no syscall table for {arch}"
    try:
        libc.prctl(libc.PR_SET_SECCOMP, SECCOMP_MODE_FILTER, None, what="seccomp")
    except OSError as e:
        if e.errno == errno.EFAULT:
            return True, (
                f"filter for {arch}: no fork/exec, sockets, ptrace, io_uring, mount, "
                "chmod/chown/utime/xattr, syscalls newer than the filter"
            )
        return False, f"seccomp filters unavailable ({e.strerror})"
    return False, "seccomp probe unexpectedly succeeded"


class Program:
    """The assembled filter with slots for the child's pid, patched after each fork."""

    def __init__(self, code: bytearray, pid_slots: list[int], neg_slots: list[int]) -> None:
        self.code = bytes(code)
        self.pid_slots = pid_slots
        self.neg_slots = neg_slots

    def for_pid(self, pid: int) -> bytes:
        code = bytearray(self.code)
        for slot in self.pid_slots:
            struct.pack_into("=I", code, slot * 8 + 4, pid & 0xFFFFFFFF)
        for slot in self.neg_slots:
            struct.pack_into("=I", code, slot * 8 + 4, (-pid) & 0xFFFFFFFF)
        return bytes(code)


def assemble(arch: str | None = None) -> Program:
    """Assemble the filter; signals may only target the pid later patched in by `for_pid`."""
    arch = arch or libc.machine()
    audit_arch, table = ARCHES[arch]
    ins: list[tuple[int, int]] = []
    labels: dict[str, int] = {}
    jumps: list[tuple[str | None, str | None]] = []
    pid_slots: list[int] = []
    neg_slots: list[int] = []

    def emit(code: int, k: int, jt: str | None = None, jf: str | None = None) -> None:
        jumps.append((jt, jf))
        ins.append((code, k))

    def label(name: str) -> None:
        labels[name] = len(ins)

    deny = RET_ERRNO | errno.EPERM
    emit(_LD_W_ABS, _OFF_ARCH)
    emit(_JEQ_K, audit_arch, None, "kill")
    emit(_LD_W_ABS, _OFF_NR)
    if arch == "x86_64":
        emit(_JGE_K, X32_SYSCALL_BIT, "deny", None)
    emit(_JGE_K, NEWEST_KNOWN + 1, "nosys", None)
    emit(_JEQ_K, table["clone"], "clone", None)
    emit(_JEQ_K, table["ioctl"], "ioctl_arg", None)
    emit(_JEQ_K, table["clone3"], "nosys", None)
    emit(_JEQ_K, table["kill"], "kill_arg", None)
    emit(_JEQ_K, table["tgkill"], "tgkill_arg", None)
    emit(_JEQ_K, table["prlimit64"], "prlimit_arg", None)
    for name in _DENIED:
        if name in table:
            emit(_JEQ_K, table[name], "deny", None)
    emit(_RET_K, RET_ALLOW)

    label("clone")
    emit(_LD_W_ABS, _arg(0))
    emit(_JSET_K, CLONE_THREAD, None, "deny")
    emit(_JSET_K, CLONE_NAMESPACES, "deny", "allow")

    label("kill_arg")
    emit(_LD_W_ABS, _arg(0))
    emit(_JEQ_K, 0, "allow", None)
    pid_slots.append(len(ins))
    emit(_JEQ_K, 0, "allow", None)
    neg_slots.append(len(ins))
    emit(_JEQ_K, 0, "allow", "deny")

    label("tgkill_arg")
    emit(_LD_W_ABS, _arg(0))
    pid_slots.append(len(ins))
    emit(_JEQ_K, 0, "allow", "deny")

    label("prlimit_arg")
    emit(_LD_W_ABS, _arg(2))
    emit(_JEQ_K, 0, None, "deny")
    emit(_LD_W_ABS, _arg(2, high=True))
    emit(_JEQ_K, 0, "allow", "deny")

    label("ioctl_arg")
    emit(_LD_W_ABS, _arg(1))
    emit(_JEQ_K, FS_IOC_SETFLAGS, "deny", None)
    emit(_JEQ_K, FS_IOC32_SETFLAGS, "deny", None)
    emit(_JEQ_K, FS_IOC_FSSETXATTR, "deny", "allow")

    label("allow")
    emit(_RET_K, RET_ALLOW)
    label("deny")
    emit(_RET_K, deny)
    label("nosys")
    emit(_RET_K, RET_ERRNO | errno.ENOSYS)
    label("kill")
    emit(_RET_K, RET_KILL_PROCESS)

    out = bytearray()
    for index, ((code, k), (jt, jf)) in enumerate(zip(ins, jumps, strict=True)):
        t = labels[jt] - index - 1 if jt else 0
        f = labels[jf] - index - 1 if jf else 0
        if not (0 <= t <= 255 and 0 <= f <= 255):
            raise ValueError("seccomp jump out of range")
        out += struct.pack("=HBBI", code, t, f, k)
    return Program(out, pid_slots, neg_slots)


def install(prog: bytes) -> None:
    """Install the filter; no_new_privs must already be set."""
    count = len(prog) // 8
    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = _SockFprog(count, ctypes.cast(buf, ctypes.POINTER(_SockFilter)))
    libc.prctl(libc.PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), what="seccomp")
