{{/* Names and labels. */}}
{{- define "jmap-store.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "jmap-store.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "jmap-store.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "jmap-store.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: jmap-store
{{- end -}}

{{/* Selector labels of one app; call with (dict "root" $ "app" "gateway"). */}}
{{- define "jmap-store.selectorLabels" -}}
app.kubernetes.io/name: {{ include "jmap-store.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{- define "jmap-store.appLabels" -}}
{{ include "jmap-store.labels" .root }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{- define "jmap-store.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "jmap-store.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image of an app: <registry>/<repository>/<app>:<tag>. */}}
{{- define "jmap-store.image" -}}
{{- $img := .root.Values.image -}}
{{- $repo := printf "%s/%s" $img.repository .app -}}
{{- if $img.registry }}{{ $repo = printf "%s/%s" $img.registry $repo }}{{ end -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{/* One service's settings: `defaults` overlaid with its entry in `services`. Returns YAML. */}}
{{- define "jmap-store.serviceValues" -}}
{{- $merged := mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy (index .root.Values.services .app)) -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* An environment value as the string a process sees (YAML numbers arrive as float64: 5e+07 otherwise). */}}
{{- define "jmap-store.envString" -}}
{{- if kindIs "float64" . -}}{{- . | int64 | toString -}}{{- else -}}{{- . | toString -}}{{- end -}}
{{- end -}}

{{/* The ConfigMap's variables: `env` without empty values, with the endpoints of enabled dependencies. */}}
{{- define "jmap-store.configEnv" -}}
{{- $env := dict -}}
{{- range $k, $v := .Values.env -}}
{{- $s := include "jmap-store.envString" $v -}}
{{- if ne $s "" }}{{ $_ := set $env $k $s }}{{ end -}}
{{- end -}}
{{- if .Values.kafka.enabled -}}
{{- $_ := set $env "KAFKA_BROKERS" (printf "%s-kafka:9092" .Release.Name) -}}
{{- end -}}
{{- if .Values.minio.enabled -}}
{{- $_ := set $env "S3_ENDPOINT" (printf "http://%s-minio:9000" .Release.Name) -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* The Secret's variables: `secretEnv`, with the credentials of enabled dependencies. */}}
{{- define "jmap-store.secretEnv" -}}
{{- $env := dict -}}
{{- range $k, $v := .Values.secretEnv -}}
{{- $s := include "jmap-store.envString" $v -}}
{{- if ne $s "" }}{{ $_ := set $env $k $s }}{{ end -}}
{{- end -}}
{{- if .Values.postgresql.enabled -}}
{{- $a := .Values.postgresql.auth -}}
{{- $_ := set $env "DATABASE_URL" (printf "postgres://%s:%s@%s-postgresql:5432/%s" ($a.username | urlquery) ($a.password | urlquery) .Release.Name $a.database) -}}
{{- end -}}
{{- if .Values.minio.enabled -}}
{{- $_ := set $env "S3_ACCESS_KEY" .Values.minio.auth.rootUser -}}
{{- $_ := set $env "S3_SECRET_KEY" .Values.minio.auth.rootPassword -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{- define "jmap-store.secretName" -}}
{{- default (printf "%s-env" (include "jmap-store.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* Any bundled dependency enabled: it comes up with the release, so first-install hooks run after it. */}}
{{- define "jmap-store.bundledInfra" -}}
{{- if or .Values.postgresql.enabled .Values.kafka.enabled .Values.minio.enabled }}true{{ end -}}
{{- end -}}

{{- define "jmap-store.hookPhases" -}}
{{- if include "jmap-store.bundledInfra" . }}post-install,pre-upgrade{{ else }}pre-install,pre-upgrade{{ end -}}
{{- end -}}

{{/* Pod-level settings shared by the services and the Jobs. */}}
{{- define "jmap-store.podCommon" -}}
serviceAccountName: {{ include "jmap-store.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* The writable /tmp of a read-only root filesystem. */}}
{{- define "jmap-store.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
{{- end -}}
