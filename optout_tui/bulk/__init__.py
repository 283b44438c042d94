"""Bulk changes that lose nothing: plan (parse, normalise, de-duplicate), run, journal, audit.

Shared by the command line and the dashboard; never imports click or textual.
"""
