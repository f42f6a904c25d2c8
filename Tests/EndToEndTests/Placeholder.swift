// Placeholder until end-to-end tests land.
