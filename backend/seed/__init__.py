"""Demo and sample data: the demo chain, its pictures and the shipped CJK font."""
