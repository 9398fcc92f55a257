"""Evaluation: question files, metrics, runner, reports."""
