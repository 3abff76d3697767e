"""The one error type of the local platform: its message is meant for the user as is."""


class LocalPlatformError(Exception):
    """A local platform step failed; the message names what, where, and the fix."""
