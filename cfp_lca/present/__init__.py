"""Results to people: tables, JSON objects, plots, reports. Nothing here computes."""
