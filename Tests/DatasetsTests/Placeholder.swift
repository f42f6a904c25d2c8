// Placeholder until the Datasets tests land.
