"""Pure presentation: domain objects -> table cells, colours, durations. Rich allowed, Textual not."""
