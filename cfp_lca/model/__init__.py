"""Files to a validated model: schema, units, uncertainty, loading."""
