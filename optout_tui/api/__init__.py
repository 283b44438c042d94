"""HTTP clients for the three vendor opt-out lists, behind one interface (`base.OptOutList`)."""

import sys

# httpx imports its own command-line client (rich, pygments) when click is installed: ~35 ms of
# start-up for a module we never use. Marking it absent makes httpx skip it (it expects ImportError).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
