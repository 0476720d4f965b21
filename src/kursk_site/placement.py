"""Where the output's folders go on the disk: away from the files a previous build has just deleted.

ext4 without a journal does not reuse the inode of a file deleted in the last minute (the last six, while the
inode's table waits to be written back), and it looks at each such inode again for every file it creates in that
part of the disk. A build right after `rm -rf build`, or a full rebuild right after one that removed the previous
output, spent several seconds of system time creating its files (0.3 ms a file instead of 0.05 ms, growing with
the number deleted). So the new output's folder is marked as the top of a folder tree (ext4's FS_TOPDIR_FL, what
`chattr +T` sets), which makes ext4 spread the folders made in it over the disk; and each of those is made under
a name of its own and then renamed, since ext4 places it by the hash of its name, and the same name would land
beside the same deleted files every time. On other systems and file systems nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
from pathlib import Path

TOPDIR_FLAG = 0x00020000
"""FS_TOPDIR_FL of linux/fs.h."""
_LONG = struct.calcsize("l")
GET_FLAGS = (2 << 30) | (_LONG << 16) | (ord("f") << 8) | 1
"""FS_IOC_GETFLAGS: _IOR('f', 1, long)."""
SET_FLAGS = (1 << 30) | (_LONG << 16) | (ord("f") << 8) | 2
"""FS_IOC_SETFLAGS: _IOW('f', 2, long)."""
SPREAD_PREFIX = ".kursk-folder-"


def spread_below(folder: Path) -> None:
    """Ask the file system to spread the folders made in `folder` (best effort: see the module's docstring)."""
    if sys.platform != "linux":
        return
    import fcntl

    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            flags = struct.unpack("i", fcntl.ioctl(fd, GET_FLAGS, b"\0\0\0\0"))[0]
            if not flags & TOPDIR_FLAG:
                fcntl.ioctl(fd, SET_FLAGS, struct.pack("i", flags | TOPDIR_FLAG))
        finally:
            os.close(fd)


def make_spread(root: Path, name: str) -> None:
    """Make the folder `name` in `root` (which must not hold anything of that name) under a name of its own, then
    rename it (see the module's docstring); where that fails, it is made as usual."""
    target = root / name
    temporary = root / f"{SPREAD_PREFIX}{os.urandom(6).hex()}"
    try:
        temporary.mkdir()
    except OSError:
        target.mkdir()
        return
    try:
        os.rename(temporary, target)
    except OSError:
        temporary.rmdir()
        target.mkdir()
