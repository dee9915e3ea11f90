# libvirtd-lib.sh: a private libvirtd, for the tests and the benches.
#
# session_libvirtd DIR: starts libvirtd as a session daemon of nobody with
# its home (DIR/home) and runtime dir (DIR/lrun) under DIR, so nothing of
# it lands in the system's directories; DIR must be traversable by nobody.
# Its pid in lv, its socket in lvsock; the log is DIR/libvirtd.log.  The
# caller waits for the socket and stops it (kill -TERM "$lv").
session_libvirtd() {
    mkdir -p "$1/home" "$1/lrun"
    chown nobody:nogroup "$1/home" "$1/lrun"
    chmod 0700 "$1/lrun"
    setpriv --reuid=nobody --regid=nogroup --clear-groups env -i HOME="$1/home" \
        XDG_RUNTIME_DIR="$1/lrun" XDG_CONFIG_HOME="$1/home/.config" \
        XDG_CACHE_HOME="$1/home/.cache" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        libvirtd > "$1/libvirtd.log" 2>&1 &
    lv=$!
    lvsock="$1/lrun/libvirt/libvirt-sock"
}
