"""Tests of the Kano core (coproduce.kano)."""
