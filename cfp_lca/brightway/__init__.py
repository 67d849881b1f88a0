"""The validated model into a named Brightway project (bw2data), and nothing else touched."""
