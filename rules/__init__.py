"""Automatic-approval and escalation rules: typed inputs in, a decision with its reason out."""
