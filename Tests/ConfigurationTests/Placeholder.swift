// Placeholder until the Configuration tests land.
