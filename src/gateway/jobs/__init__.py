"""Durable background work: jobs whose state is rows, so a restart loses and repeats nothing."""
