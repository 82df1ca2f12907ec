#!/usr/bin/env bash
# Starts (or stops) a real single-node Slurm cluster for the deployment test: munge for auth,
# slurmctld and slurmd with a generated slurm.conf in a private state directory.
#   tests/slurm-cluster.sh start STATE_DIR   -> prints `export SLURM_CONF=...`
#   tests/slurm-cluster.sh stop STATE_DIR
set -euo pipefail
action=${1:?start|stop}; state=${2:?state directory}
mkdir -p "$state"; state=$(cd "$state" && pwd)
conf="$state/slurm.conf"
case "$action" in
start)
  for p in slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing="${missing:-} $p"; done
  if [ -n "${missing:-}" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; fi
  # munge: a key of our own if the package left none, and the daemon if it is not up.
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge; chown munge:munge /run/munge
  if ! munge -n </dev/null >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged --force
    for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  host=$(hostname -s); cpus=$(nproc)
  mkdir -p "$state/spool" "$state/ctld"
  cat > "$conf" <<CONF
ClusterName=ebmtest
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
  SLURM_CONF=$conf /usr/sbin/slurmctld -f "$conf" -i
  SLURM_CONF=$conf /usr/sbin/slurmd -f "$conf"
  for _ in $(seq 100); do
    SLURM_CONF=$conf sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break; sleep 0.2
  done
  SLURM_CONF=$conf sinfo -h -o %t | grep -qE '^(idle|mix|alloc)' || { echo "slurm did not come up; logs in $state" >&2; tail -20 "$state"/*.log >&2; exit 1; }
  echo "export SLURM_CONF=$conf"
  ;;
stop)
  for pidfile in "$state/slurmd.pid" "$state/slurmctld.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile"); kill "$pid" 2>/dev/null || continue
    # Wait for it to exit, so the caller can remove its state directory.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  ;;
esac
