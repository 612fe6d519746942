"""Speak: cue text -> spoken form -> audio clip, through a chosen engine."""
