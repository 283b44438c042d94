"""HTTP clients for the three vendor opt-out lists, behind one interface (`base.OptOutList`)."""
