# scripts/slurm/daemons.sh -- sourced by start.sh and stop.sh: daemons by pid file.
# The sourcing script defines log().

# slurm_layout: where the cluster's files live, from SLURM_CONF (which slurmctld, slurmd and
# every client command read too). Unset: the system's layout (/etc/slurm/slurm.conf, /var/spool,
# /var/log/slurm, /run). Set: the config is that file, and the state, spool and log directories
# and the pid files are beside it, so nothing under /etc/slurm, /var or /run is touched (munged
# still uses the system's /etc/munge key and /run/munge).
slurm_layout() {
  if [ -n "${SLURM_CONF:-}" ]; then
    case "$SLURM_CONF" in /*) ;; *) SLURM_CONF="$PWD/$SLURM_CONF" ;; esac
    export SLURM_CONF
    CONF=$SLURM_CONF
    local base
    base=$(dirname "$CONF")
    STATE_DIR=$base/state
    SPOOL_DIR=$base/spool
    LOG_DIR=$base/log
    CTLD_PID=$base/slurmctld.pid
    SLURMD_PID=$base/slurmd.pid
  else
    CONF=/etc/slurm/slurm.conf
    STATE_DIR=/var/spool/slurmctld
    SPOOL_DIR=/var/spool/slurmd
    LOG_DIR=/var/log/slurm
    CTLD_PID=/run/slurmctld.pid
    SLURMD_PID=/run/slurmd.pid
  fi
}

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
