{{/* Names: the chart's (or nameOverride), and the release-qualified full name. */}}
{{- define "saker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "saker.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if eq .Release.Name (include "saker.name" .) -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "saker.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "saker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "saker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "saker.labels" -}}
{{ include "saker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "saker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "saker.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The address the kubelet's probes ask: the pod IP, or loopback on the node's network. */}}
{{- define "saker.listenAddress" -}}
{{- if .Values.hostNetwork -}}127.0.0.1{{- else -}}0.0.0.0{{- end -}}
{{- end -}}

{{/* The image: registry/repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "saker.image" -}}
{{- $repo := .Values.image.repository -}}
{{- with .Values.image.registry }}{{ $repo = printf "%s/%s" . $repo }}{{ end -}}
{{- printf "%s:%s" $repo (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* falcosidekick's URL, as the Falco chart builds it. */}}
{{- define "saker.falcosidekickUrl" -}}
{{- $port := .Values.falcosidekick.listenPort | default "2801" -}}
{{- if .Values.falcosidekick.fullfqdn -}}
{{- printf "http://%s-falcosidekick.%s.svc.cluster.local:%v" (include "saker.fullname" .) .Release.Namespace $port -}}
{{- else -}}
{{- printf "http://%s-falcosidekick:%v" (include "saker.fullname" .) $port -}}
{{- end -}}
{{- end -}}

{{/* The runtimes saker asks, keyed by saker's engines (container_engines.<engine>), from both
shapes of the Falco chart's collectors: engine -> its sockets. Chart 4.x: containerd is asked over
the Kubernetes CRI API (pods) and over its own API (plain containers), CRI-O over CRI, Docker over
its Engine API. Chart 5+ (the container plugin's engines): cri, containerd, docker and podman
as named; saker has no lxc, libvirt_lxc or bpm (the NOTES say so). */}}
{{- define "saker.runtimeSockets" -}}
{{- $out := dict -}}
{{- $c := .Values.collectors -}}
{{- if $c.enabled -}}
{{- $chart4 := dict "cri" (list $c.containerd $c.crio) "containerd" (list $c.containerd) "docker" (list $c.docker) -}}
{{- range $engine, $collectors := $chart4 -}}
{{- range $col := $collectors -}}
{{- if and $col $col.enabled $col.socket -}}
{{- $_ := set $out $engine (append (default (list) (index $out $engine)) $col.socket) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $c.containerEngine.enabled -}}
{{- range $engine, $e := $c.containerEngine.engines -}}
{{- if and $e $e.enabled $e.sockets (has $engine (list "cri" "containerd" "docker" "podman")) -}}
{{- range $s := $e.sockets -}}
{{- $_ := set $out $engine (append (default (list) (index $out $engine)) $s) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $engine, $sockets := $out -}}{{- $_ := set $out $engine (uniq $sockets) -}}{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* saker.yaml for the pods: what the chart sets (listen address, metrics, outputs for a pod,
the runtime sockets, falcosidekick), with .Values.falco merged over it. */}}
{{- define "saker.config" -}}
{{- $sockets := include "saker.runtimeSockets" . | fromYaml -}}
{{- $base := dict
  "stdout_output" (dict "enabled" true)
  "syslog_output" (dict "enabled" false)
  "log_stderr" true
  "log_syslog" false
  "jit" (dict "cache_dir" "/var/cache/saker")
  "webserver" (dict "listen_address" (include "saker.listenAddress" .) "prometheus_metrics_enabled" .Values.metrics.enabled)
  "metrics" (dict "enabled" .Values.metrics.enabled)
-}}
{{- /* The Falco chart's metrics.* switches, under falco.yaml's names, when set (saker warns at
start about those it does not implement, as for any Falco key). */ -}}
{{- $names := dict "interval" "interval" "outputRule" "output_rule" "rulesCountersEnabled" "rules_counters_enabled" "resourceUtilizationEnabled" "resource_utilization_enabled" "stateCountersEnabled" "state_counters_enabled" "kernelEventCountersEnabled" "kernel_event_counters_enabled" "kernelEventCountersPerCPUEnabled" "kernel_event_counters_per_cpu_enabled" "kernelIterEventCountersEnabled" "kernel_iter_event_counters_enabled" "libbpfStatsEnabled" "libbpf_stats_enabled" "pluginsMetricsEnabled" "plugins_metrics_enabled" "jemallocStatsEnabled" "jemalloc_stats_enabled" "convertMemoryToMB" "convert_memory_to_mb" "includeEmptyValues" "include_empty_values" -}}
{{- range $chart, $key := $names -}}
{{- if hasKey $.Values.metrics $chart }}{{ $_ := set $base.metrics $key (index $.Values.metrics $chart) }}{{ end -}}
{{- end -}}
{{- /* Each engine saker knows: asked on the collectors' sockets (the DaemonSet mounts them),
else off, so the agent asks exactly what the chart mounted. */ -}}
{{- $engines := dict -}}
{{- range $engine := list "cri" "containerd" "docker" "podman" -}}
{{- if hasKey $sockets $engine -}}
{{- $_ := set $engines $engine (dict "enabled" true "sockets" (index $sockets $engine)) -}}
{{- else -}}
{{- $_ := set $engines $engine (dict "enabled" false) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $base "container_engines" $engines -}}
{{- $config := mergeOverwrite $base (.Values.falco | default dict) -}}
{{- if .Values.falcosidekick.enabled -}}
{{- $http := $config.http_output | default dict -}}
{{- $_ := set $http "enabled" true -}}
{{- if not $http.url }}{{ $_ := set $http "url" (include "saker.falcosidekickUrl" .) }}{{ end -}}
{{- $_ := set $config "http_output" $http -}}
{{- $_ := set $config "json_output" true -}}
{{- $_ := set $config "json_include_output_property" true -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* One kubelet probe on the agent's health endpoint (.path, from the configuration). */}}
{{- define "saker.probe" -}}
httpGet:
  path: {{ .path }}
  port: web
  {{- if .root.Values.hostNetwork }}
  host: 127.0.0.1
  {{- end }}
{{ toYaml .timing }}
{{- end -}}
