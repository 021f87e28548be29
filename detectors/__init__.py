"""Detection: the offline Presidio engine, Norwegian recognizers and column classification."""
