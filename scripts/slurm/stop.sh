#!/usr/bin/env bash
# scripts/slurm/stop.sh -- stop the daemons started by scripts/slurm/start.sh, by pid file.
# Cancels remaining jobs first (their processes would otherwise outlive slurmd),
# then stops slurmd, slurmctld and munged. Safe to run when nothing is running.
#
# Tunables (environment):
#   SLURM_STOP_CANCEL_JOBS  1 = scancel all jobs and wait for them to leave (default 1)
#   SLURM_STOP_JOB_TIMEOUT  seconds to wait for cancelled jobs (default: KillWait + 20)
#   SLURM_STOP_KEEP_MUNGE   1 = leave munged running (default 0)
#   SLURM_CONF              the config start.sh was given (its pid files are beside it);
#                           unset: the system's (/etc/slurm/slurm.conf, /run)
set -uo pipefail

: "${SLURM_STOP_CANCEL_JOBS:=1}"
: "${SLURM_STOP_KEEP_MUNGE:=0}"
MUNGE_PID=/run/munge/munged.pid

log() { echo "[slurm/stop] $*"; }

[ "$(id -u)" = 0 ] || { echo "[slurm/stop] ERROR: must be run as root" >&2; exit 1; }

# shellcheck source=scripts/slurm/daemons.sh
. "$(dirname "$0")/daemons.sh"
slurm_layout

rc=0
if [ "$SLURM_STOP_CANCEL_JOBS" = 1 ] && pid_alive "$CTLD_PID" slurmctld; then
  jobs=$(squeue -h -o '%A' 2>/dev/null | sort -u | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    kw=$(scontrol show config 2>/dev/null | awk '$1 == "KillWait" {print $3}')
    : "${SLURM_STOP_JOB_TIMEOUT:=$(( ${kw:-30} + 20 ))}"
    log "cancelling jobs: $jobs(waiting up to ${SLURM_STOP_JOB_TIMEOUT}s)"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null || true
    deadline=$((SECONDS + SLURM_STOP_JOB_TIMEOUT))
    while [ -n "$(squeue -h -o '%A' 2>/dev/null)" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
    if [ -n "$(squeue -h -o '%A' 2>/dev/null)" ]; then
      log "WARNING: jobs still present: $(squeue -h -o '%A:%T' | tr '\n' ' ')"
      rc=1
    fi
  fi
fi

stop_daemon slurmd "$SLURMD_PID"
stop_daemon slurmctld "$CTLD_PID"
if [ "$SLURM_STOP_KEEP_MUNGE" = 1 ]; then
  log "leaving munged running"
else
  stop_daemon munged "$MUNGE_PID"
fi

# zombies (state Z) are already dead; PID 1 in this sandbox reaps them with a delay
left=$(ps -eo pid=,stat=,comm= | awk '$3 == "slurmstepd" && $2 !~ /^Z/ {printf "%s ", $1}')
if [ -n "$left" ]; then
  log "WARNING: slurmstepd processes still running (pids: $left)"
  rc=1
fi
exit "$rc"
