// Placeholder until the Curvature tests land.
