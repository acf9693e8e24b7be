"""Scale mode: thousands of synthetic domains over a few hundred MX hosts."""
