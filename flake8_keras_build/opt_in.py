"""Which rules are off by default (flake8's ``extend_default_ignore``).

A policy list, kept apart from the rules so that registering the plugin's options
(every flake8 process, every editor lint) does not import the rules. Rules read
their ``default_on`` from it; a test checks that every code here is a rule.
"""

OPT_IN_CODES = ("KLB110", "KLB304")
