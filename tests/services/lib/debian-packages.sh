# Sourced by the service scripts in tests/services/: installs Debian packages a service needs, the one way they all
# do it. Waits up to 15 minutes for dpkg's lock instead of failing when another apt-get holds it (the ComfyUI setup,
# another engineer's install on a shared machine), runs `apt-get update` at most once per test run, and uses sudo
# when not root (`sudo -n`: it fails at once rather than stop the run to ask for a password). Each function returns non-zero when the install failed; the caller says what will fail then.

# runhub_apt_install [APT-OPTION...] PACKAGE...: installs the packages, quietly.
runhub_apt_install() {
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo -n)
  if [ -z "${RUNHUB_APT_UPDATED:-}" ]; then
    runhub_apt_update "${sudo[@]}" || return 1
    RUNHUB_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq "$@" >/dev/null
}

# runhub_apt_update [SUDO...]: `apt-get update`, waiting up to 15 minutes for the package lists' lock. DPkg::Lock::Timeout
# covers dpkg's lock only: `apt-get update` fails at once on /var/lib/apt/lists/lock while another update holds it
# (checked 2026-12-01 on Debian 12's apt), so a failure that names that lock is tried again every 2 seconds.
runhub_apt_update() {
  local tries=0 out
  while ! out=$("$@" apt-get -o DPkg::Lock::Timeout=900 update -qq 2>&1 >/dev/null); do
    case "$out" in
      *"Could not get lock"*) ;;
      *) echo "$out" >&2; return 1 ;;
    esac
    tries=$((tries + 1))
    if [ "$tries" -ge 450 ]; then echo "$out" >&2; return 1; fi
    sleep 2
  done
}

# runhub_need_node WHO: Node.js and npm (for the npm-installed test tools), from Debian's packages when either is
# missing. WHO names the calling script in the message.
runhub_need_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  echo "$1: installing Node.js and npm from Debian's packages" >&2
  runhub_apt_install nodejs npm
}
