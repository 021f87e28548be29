"""AWS sources: S3 (and S3-compatible stores) and CloudWatch Logs, with one client builder."""
