"""The Textual dashboard: an app given its lists by injection, widgets and screens in small modules."""
