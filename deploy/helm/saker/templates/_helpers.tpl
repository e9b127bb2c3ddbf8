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

{{/* saker.yaml for the pods. The image keeps the default rules in /etc/saker/rules. */}}
{{- define "saker.config" -}}
rules_files:
  - /etc/saker/rules/saker_rules.yaml
{{- range $file, $_ := .Values.customRules }}
  - /etc/saker/config/{{ $file }}
{{- end }}
priority: {{ .Values.priority }}
rule_matching: {{ .Values.ruleMatching }}
json_output: {{ .Values.jsonOutput }}
stdout_output:
  enabled: true
# No syslog daemon in the pod: alerts and logs go to stdout and stderr (kubectl logs).
syslog_output:
  enabled: false
log_level: {{ .Values.logLevel }}
log_stderr: true
log_syslog: false
container_engines:
  containerd:
    sockets:
      - {{ .Values.containerdSocket }}
jit:
  # An emptyDir: a restarted container loads its compiled rules instead of compiling again.
  cache_dir: /var/cache/saker
webserver:
  enabled: true
  listen_address: {{ include "saker.listenAddress" . }}
  listen_port: {{ .Values.webserver.port }}
  k8s_healthz_endpoint: {{ .Values.webserver.healthzPath }}
  prometheus_metrics_enabled: {{ .Values.webserver.prometheusMetrics }}
# As in Falco, /metrics needs the metrics framework on as well.
metrics:
  enabled: {{ .Values.webserver.prometheusMetrics }}
{{- with .Values.extraConfig }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* One kubelet probe on the agent's health endpoint. */}}
{{- define "saker.probe" -}}
httpGet:
  path: {{ .root.Values.webserver.healthzPath }}
  port: web
  {{- if .root.Values.hostNetwork }}
  host: 127.0.0.1
  {{- end }}
{{ toYaml .timing }}
{{- end -}}
