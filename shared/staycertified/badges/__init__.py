"""Credly badges (R36): the Credly client (`credly`) and the badge lifecycle that
follows the domain events (`lifecycle`)."""
