terraform {
  required_version = ">= 1.0"

  required_providers {
    acp = {
      source = "ambient-code/acp"
    }
  }
}
