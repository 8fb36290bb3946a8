"""Pure rules over domain objects: why is this workload stuck? No I/O."""
