"""The queue area of the screen: the table model, its view and the live feed that fills it."""
