"""A profile's secrets: where they come from, and keeping them out of everything else.

`stores` reads them from the environment, then the session (typed into the dashboard "for this
session only"), then the OS keyring, and writes or deletes them there; `diagnosis` says which keyring
backend is in use and, when it can't be used, why and what to do instead; `redaction` masks secrets
for display and removes them from text shown to a person.

Every function is synchronous and gives up on the keyring after a timeout; async callers run them
with `asyncio.to_thread`, which is therefore never held longer than that timeout.
"""
