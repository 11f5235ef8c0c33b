# scripts/slurm/daemons.sh -- sourced by start.sh and stop.sh: daemons by pid file.
# The sourcing script defines log().

# pid_alive PIDFILE COMM: the pid file names a live (non-zombie) process called COMM
pid_alive() {
  local f=$1 name=$2 pid st
  [ -s "$f" ] || return 1
  pid=$( { tr -dc '0-9' < "$f"; } 2>/dev/null || true)
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
  st=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stop_daemon COMM PIDFILE: SIGTERM by pid file, SIGKILL after 15 s; a stale pid file is removed
stop_daemon() {
  local name=$1 f=$2 pid
  if ! pid_alive "$f" "$name"; then
    [ -e "$f" ] && { log "removing stale $f"; rm -f "$f"; }
    log "$name not running"
    return 0
  fi
  pid=$( { tr -dc '0-9' < "$f"; } 2>/dev/null || true)
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do pid_alive "$f" "$name" || break; sleep 0.1; done
  if pid_alive "$f" "$name"; then
    log "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$f"
}
