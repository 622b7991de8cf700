terraform {
  required_providers {
    acp = {
      source = "ambient-code/acp"
    }
  }
}

# Every argument can come from the environment instead (ACP_ENDPOINT, ACP_TOKEN, ...); a value
# set here wins. Keep the token out of configuration: export ACP_TOKEN="$(oc whoami -t)".
provider "acp" {
  endpoint = "https://acp-backend.apps.example.com"
  username = "alice@example.com"
}
