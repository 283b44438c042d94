"""optout-tui: keep Korean advertising opt-out lists (SENS SMS, Outbound Mailer, NHN 080) honoured."""

__version__ = "0.1.0"
