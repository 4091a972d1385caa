"""Renderers: turn library reports into human, Markdown, JSON and GitHub output."""
