"""What each channel's invitation message says, composed for its medium."""
