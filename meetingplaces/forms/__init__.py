"""WTForms classes, one module per area."""
