"""Triage: rules and scores that hold, flag and sort comments, each hold explained.

`words` matches word lists, `evidence` reads links and removed markup, `scores` gives the
offensive-language and learned scores, `rules` decides per comment, `service` runs it over
new or pending comments, `learning` trains the site's own model. See docs/triage.md.
"""
