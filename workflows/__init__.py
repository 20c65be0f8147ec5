"""The workflow clock: pure decisions (routing, lifecycle) and the jobs that apply them."""
