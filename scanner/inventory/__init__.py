"""The inventory: findings kept between scans (issue 6)."""
