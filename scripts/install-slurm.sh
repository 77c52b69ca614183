#!/usr/bin/env bash
# Installs what the Slurm tests need (Debian's slurm-wlm and munge) when it is missing; does
# nothing when slurmctld, slurmd, munged and sbatch are already on the PATH. Needs root (or sudo)
# and apt-get. The tests start their own one-node cluster (munged, slurmctld, slurmd) from a
# configuration in a temporary folder, on ports of their own, and never use a system Slurm.
set -euo pipefail
# The daemons live in sbin, which is not on every user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"

missing() {
  for tool in slurmctld slurmd munged sbatch squeue sinfo scancel scontrol; do
    command -v "$tool" >/dev/null 2>&1 || return 0
  done
  return 1
}

if ! missing; then
  echo "slurm: $(slurmctld -V), munge: $(munged --version 2>&1 | head -n 1)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-slurm.sh: Slurm and munge are missing and apt-get is not here: install slurm-wlm and munge with the system's package manager" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-slurm.sh: installing slurm-wlm and munge needs root (or sudo)" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq slurm-wlm munge >/dev/null
# On a machine with systemd the packages' own services start with the system's configuration (and
# fail without one); the tests never talk to them.
echo "slurm: $(slurmctld -V), munge: $(munged --version 2>&1 | head -n 1)"
