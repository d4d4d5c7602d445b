"""Reddit posts of mental-health communities: praw (live), exports (file), a generator."""
