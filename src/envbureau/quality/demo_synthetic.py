def load_synthetic(log):
    log("   (synthetic water/noise data: not yet)")
